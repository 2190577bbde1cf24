import cjs from './testing.js'

export const { MockServer, MockControlError, DEFAULT_CLIENT_ID, DEFAULT_SECRET_KEY, signNotification, notificationBody } = cjs
export default cjs
