import cjs from './testing.js'

export const { MockServer, DEFAULT_CLIENT_ID, DEFAULT_SECRET_KEY } = cjs
export default cjs
