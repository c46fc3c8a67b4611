// jsonb that older proxy versions sometimes filled with a JSON-encoded string of an object: read both shapes,
// always write the object. Text that is not JSON stays the string it is (a change to such a row is refused).
import { JsonType, type Platform, type TransformContext } from '@mikro-orm/core';
import { decodeStoredJson, UNDECODABLE } from './storedJson';

export class LenientJsonType extends JsonType {
  override convertToJSValue(value: unknown, platform: Platform, context?: TransformContext): unknown {
    const stored = super.convertToJSValue(value, platform, context);
    const decoded = decodeStoredJson(stored);
    return decoded === UNDECODABLE ? stored : decoded;
  }
}
