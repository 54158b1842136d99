import { apiCredentialsOf } from './api-keys.service.js';

describe('apiCredentialsOf', () => {
  it('reads "Bearer <id>.<secret>" and the Flask starter header pair', () => {
    expect(apiCredentialsOf({ authorization: 'Bearer abc.def' })).toEqual({ id: 'abc', secret: 'def' });
    expect(apiCredentialsOf({ authorization: 'bearer abc.def.ghi' })).toEqual({ id: 'abc', secret: 'def.ghi' });
    expect(apiCredentialsOf({ api_id: 'abc', api_key: 'def' })).toEqual({ id: 'abc', secret: 'def' });
  });

  it('ignores malformed or missing credentials', () => {
    expect(apiCredentialsOf({})).toBeNull();
    expect(apiCredentialsOf({ authorization: 'Basic dXNlcjpwYXNz' })).toBeNull();
    expect(apiCredentialsOf({ authorization: 'Bearer no-dot' })).toBeNull();
    expect(apiCredentialsOf({ api_id: 'abc' })).toBeNull();
    expect(apiCredentialsOf({ api_id: ['a', 'b'], api_key: 'x' })).toBeNull();
  });
});
