// What is left to do once a rotation has committed: the database holds the new key's values, the processes still
// run with the old key. Printed after every rotation, and in the README.

export interface RotationStepsInput {
  /** The variable that held the new key (named, never shown). */
  newKeyVariable: string;
  /** LITELLM_SALT_KEY was set; otherwise the master key was the salt key. */
  saltKeyWasSet: boolean;
}

export function remainingRotationSteps({ newKeyVariable, saltKeyWasSet }: RotationStepsInput): string[] {
  const oldKey = saltKeyWasSet ? 'the old LITELLM_SALT_KEY' : 'the master key (the salt key until now, as LITELLM_SALT_KEY was not set)';
  return [
    `1. Set LITELLM_SALT_KEY to the new key (the value of ${newKeyVariable}) on the LiteLLM proxy and on this API.`,
    '2. Restart both. Until the proxy restarts with the new key it cannot decrypt the values this rotation rewrote.',
    'If they cannot restart together:',
    `- Restart this API first, with LITELLM_SALT_KEY=<the new key> and LITELLM_SALT_KEY_PREVIOUS=<${oldKey}>. It reads values under either key and writes under the new one, so values the proxy still writes under the old key stay readable here.`,
    '- Then restart the proxy with LITELLM_SALT_KEY=<the new key>.',
    '- Then run `npm run encryption -- migrate` with the same two variables: it moves what the proxy wrote under the old key meanwhile to the new one. `npm run encryption -- status` (or the encryptionStatus query, needPreviousKey) shows how many values still need the old key; at 0, remove LITELLM_SALT_KEY_PREVIOUS and restart this API.',
  ];
}
