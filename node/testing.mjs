import cjs from './testing.js'

export const { MockServer, DEFAULT_CLIENT_ID, DEFAULT_SECRET_KEY, signNotification } = cjs
export default cjs
