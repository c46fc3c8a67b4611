// What the proxy-admin mutations return.
import { Field, ID, ObjectType } from 'type-graphql';
import { UserRole } from '../access/UserRole';

@ObjectType('User')
export class UserNode {
  @Field(() => ID)
  id!: string;

  @Field(() => UserRole)
  role!: UserRole;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => [ID])
  teams!: string[];
}

@ObjectType('GeneratedKey', { description: 'A new API key. `key` is shown this once and never stored; `token` is its hash.' })
export class GeneratedKey {
  @Field()
  key!: string;

  @Field()
  token!: string;

  @Field(() => ID)
  userId!: string;

  @Field(() => ID, { nullable: true })
  teamId?: string | null;

  @Field(() => String, { nullable: true })
  keyAlias?: string | null;

  @Field(() => Date, { nullable: true })
  expires?: Date | null;
}
