// The GraphQL shape of a proxy team.
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum TeamMemberRole {
  ADMIN = 'admin',
  USER = 'user',
}
registerEnumType(TeamMemberRole, { name: 'TeamMemberRole' });

@ObjectType('TeamMember', { simpleResolvers: true })
export class TeamMemberNode {
  @Field(() => ID, { nullable: true })
  userId?: string | null;

  @Field(() => String, { nullable: true })
  userEmail?: string | null;

  @Field(() => TeamMemberRole)
  role!: TeamMemberRole;
}

@ObjectType('Team', { simpleResolvers: true })
export class TeamNode {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  alias?: string | null;

  @Field(() => [String], { description: 'Public model names the team may call.' })
  models!: string[];

  @Field(() => [TeamMemberNode])
  members!: TeamMemberNode[];

  @Field()
  blocked!: boolean;

  @Field(() => Date)
  createdAt!: Date;
}
