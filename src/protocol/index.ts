// The one protocol module: every message that crosses a process or webview boundary is typed here.
export * from './trainer';
export * from './validate';
export * from './webview';
