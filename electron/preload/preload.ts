// The renderer's only door to the rest of the app: one call(method, input) that goes to the service host over IPC,
// and the media:// URL of a video or image by id. Nothing else is exposed (sandboxed, context-isolated).
import { contextBridge, ipcRenderer } from 'electron';
import { IPC_CALL } from './channel.ts';

contextBridge.exposeInMainWorld('cotscope', {
  call: (method: string, input: unknown) => ipcRenderer.invoke(IPC_CALL, method, input),
  mediaUrl: (id: number) => `media://media/${id}`,
});
