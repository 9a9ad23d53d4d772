/// <reference types="vite/client" />

// video.js without its HTTP-streaming engine (we play plain MP4 clips): same API, half the bundle.
declare module 'video.js/core.es.js' {
  import videojs from 'video.js';
  export default videojs;
}
