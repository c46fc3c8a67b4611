// Inputs of the proxy-admin mutations that bootstrap users, teams and keys.
import { Field, ID, InputType } from 'type-graphql';
import { UserRole } from '../access/UserRole';
import { TeamMemberRole } from '../teams/team.type';

@InputType()
export class CreateUserInput {
  @Field(() => ID, { nullable: true, description: 'Defaults to a new uuid.' })
  userId?: string | null;

  @Field(() => UserRole, { nullable: true, description: 'Defaults to INTERNAL_USER.' })
  userRole?: UserRole | null;

  @Field(() => String, { nullable: true })
  userEmail?: string | null;
}

@InputType()
export class TeamMemberInput {
  @Field(() => ID)
  userId!: string;

  @Field(() => TeamMemberRole)
  role!: TeamMemberRole;
}

@InputType()
export class CreateTeamInput {
  @Field(() => ID, { nullable: true, description: 'Defaults to a new uuid.' })
  teamId?: string | null;

  @Field(() => String, { nullable: true })
  teamAlias?: string | null;

  @Field(() => [TeamMemberInput], { nullable: true, description: 'Existing users; role ADMIN makes a team admin.' })
  members?: TeamMemberInput[] | null;
}

@InputType()
export class GenerateKeyInput {
  @Field(() => ID)
  userId!: string;

  @Field(() => ID, { nullable: true, description: 'The user must be a member of this team.' })
  teamId?: string | null;

  @Field(() => String, { nullable: true })
  keyAlias?: string | null;

  @Field(() => Date, { nullable: true })
  expires?: Date | null;
}
