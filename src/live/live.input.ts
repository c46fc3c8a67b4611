// What modelChanged may be narrowed to.
import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class ModelChangeFilter {
  @Field(() => [ID], { nullable: true, description: 'Only these models.' })
  ids?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'Only models of this team, before or after the change.' })
  teamId?: string | null;
}
