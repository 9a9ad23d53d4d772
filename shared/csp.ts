// The renderer's Content-Security-Policy, in one place for both shells: browser mode sends it from the HTTP server,
// the desktop app from its app:// protocol. The window also loads videos and images from media://.
export function contentSecurityPolicy(extraMediaScheme?: string): string {
  const media = extraMediaScheme ? ` ${extraMediaScheme}:` : '';
  return [
    "default-src 'self'",
    "font-src 'self' data:",
    `img-src 'self' data: blob:${media}`,
    `media-src 'self' blob:${media}`,
    "style-src 'self' 'unsafe-inline'",
    "script-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}
