// The `me` query's answer: who the API thinks is calling.
import { Field, ID, ObjectType } from 'type-graphql';
import { UserRole } from './UserRole';

@ObjectType('Principal', { description: 'The caller, as resolved from its API key.', simpleResolvers: true })
export class PrincipalType {
  @Field({ description: 'False when no valid key was sent.' })
  authenticated!: boolean;

  @Field(() => ID, { nullable: true })
  userId?: string | null;

  @Field(() => UserRole, { nullable: true })
  role?: UserRole | null;

  @Field(() => ID, { nullable: true, description: "The key's team." })
  teamId?: string | null;

  @Field({ description: "The user is an admin of the key's team." })
  isTeamAdmin!: boolean;
}
