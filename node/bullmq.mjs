import cjs from './bullmq.js'

export const { enqueueCancel, cancelProcessor, cancelJobId, CANCEL_JOB, CANCEL_JOB_OPTIONS } = cjs
export default cjs
