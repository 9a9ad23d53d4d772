/** The one IPC channel: every API method goes through it by name (see shared/api.ts). */
export const IPC_CALL = 'cotscope:call';
