// jsonb that older proxy versions sometimes filled with a JSON-encoded string of an object:
// read both shapes, always write the object.
import { JsonType, type Platform, type TransformContext } from '@mikro-orm/core';

export class LenientJsonType extends JsonType {
  override convertToJSValue(value: unknown, platform: Platform, context?: TransformContext): unknown {
    return decodeJsonEncodedString(super.convertToJSValue(value, platform, context));
  }
}

/** `'{"a":1}'` becomes `{a: 1}`; anything else is returned as it is. */
export function decodeJsonEncodedString(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (!text.startsWith('{') && !text.startsWith('[')) return value;
  try {
    return JSON.parse(text);
  } catch {
    return value;
  }
}
