// Per-request DataLoaders: each feature declares its own loader factories; a request creates each loader the first
// time one of its resolvers asks, so batches and caches never outlive the request or cross callers.
import type DataLoader from 'dataloader';

/** Makes a feature's loader for one request; `variant` tells apart loaders of one kind (a page size, say). */
export type LoaderFactory<Context, Key, Value, Variant = undefined> = (context: Context, variant: Variant) => DataLoader<Key, Value>;

export class RequestLoaders<Context> {
  private readonly loaders = new Map<LoaderFactory<Context, unknown, unknown, unknown>, Map<unknown, DataLoader<unknown, unknown>>>();

  constructor(private readonly context: () => Context) {}

  get<Key, Value, Variant = undefined>(factory: LoaderFactory<Context, Key, Value, Variant>, variant?: Variant): DataLoader<Key, Value> {
    const untyped = factory as LoaderFactory<Context, unknown, unknown, unknown>;
    let variants = this.loaders.get(untyped);
    if (!variants) this.loaders.set(untyped, (variants = new Map()));
    let loader = variants.get(variant);
    if (!loader) variants.set(variant, (loader = untyped(this.context(), variant)));
    return loader as DataLoader<Key, Value>;
  }
}
