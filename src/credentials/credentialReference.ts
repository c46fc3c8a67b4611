// How a model names a stored credential (LiteLLM_CredentialsTable): litellm_params.litellm_credential_name, a string
// value of litellm_params and so encrypted at rest like the others.
export const CREDENTIAL_NAME_PARAM = 'litellm_credential_name';
