// Inputs of the model mutations and the models query, mirroring the proxy's request bodies.
import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, InputType } from 'type-graphql';
import { ModelSource } from './model.type';

@InputType({ description: 'POST /model/new. modelInfo.id and modelInfo.team_id are optional.' })
export class AddModelInput {
  @Field()
  modelName!: string;

  @Field(() => GraphQLJSON, { description: 'Must hold `model`. String values are encrypted at rest.' })
  litellmParams!: unknown;

  @Field(() => GraphQLJSON, { nullable: true })
  modelInfo?: unknown;
}

@InputType({ description: 'POST /model/update: litellmParams merged over the stored ones; null values keep the stored value.' })
export class UpdateModelInput {
  @Field(() => ID)
  id!: string;

  @Field(() => GraphQLJSON)
  litellmParams!: unknown;
}

@InputType({ description: 'PATCH /model/{id}/update: every given key replaces, a key given as null is removed.' })
export class PatchModelInput {
  @Field(() => String, { nullable: true })
  modelName?: string | null;

  @Field(() => GraphQLJSON, { nullable: true })
  litellmParams?: unknown;

  @Field(() => GraphQLJSON, { nullable: true })
  modelInfo?: unknown;
}

@InputType()
export class ModelFilter {
  @Field(() => ID, { nullable: true })
  teamId?: string | null;

  @Field(() => String, { nullable: true, description: 'Case-insensitive substring of the public name (publicModelName).' })
  modelName?: string | null;

  @Field(() => ModelSource, { nullable: true })
  source?: ModelSource | null;

  @Field(() => Boolean, { nullable: true, description: 'Only blocked (true) or only unblocked (false) models. Config-file models are never blocked.' })
  blocked?: boolean | null;
}
