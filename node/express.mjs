import cjs from './express.js'

export const { dokuNotification } = cjs
export default cjs
