import { withoutEchoedValues } from '../../../src/server/formatError';

const SECRET = 'sk-live-SECRET-0123456789';

describe('errors never repeat the input value they refuse', () => {
  it.each([
    `Variable "$input" got invalid value { api_key: "${SECRET}" } at "input.modelName"; String cannot represent a non string value: { api_key: "${SECRET}" }`,
    `Variable "$input" got invalid value "${SECRET}" at "input.litellmParams"; Expected type "JSON".`,
    `Variable "$id" got invalid value ["${SECRET}"]; ID cannot represent value: ["${SECRET}"]`,
    `Expected value of type "String!", found { api_key: "${SECRET}" }.`,
    `String cannot represent a non string value: { api_key: "${SECRET}" }`,
  ])('%s', (message) => {
    const cleaned = withoutEchoedValues({ message, extensions: { code: 'BAD_USER_INPUT' } }).message;
    expect(cleaned).not.toContain(SECRET);
    expect(cleaned.length).toBeGreaterThan(10);
  });

  it('keeps the variable and the path so the caller knows what to fix', () => {
    const { message } = withoutEchoedValues({
      message: `Variable "$input" got invalid value { a: 1 } at "input.modelName"; String cannot represent a non string value: { a: 1 }`,
    });
    expect(message).toBe('Variable "$input" got an invalid value at "input.modelName"; String cannot represent a non string value.');
  });

  it('leaves messages that echo nothing as they are', () => {
    const error = { message: 'Field "nope" is not defined by type "AddModelInput".' };
    expect(withoutEchoedValues(error)).toBe(error);
  });
});
