/** Hydrates the server-rendered `App` in #app with the props the server wrote into `window.appProps`. */
import { createSSRApp } from 'vue';
import { App } from './app.ts';

createSSRApp(App, (window as unknown as { appProps: { relay: string } }).appProps).mount('#app');
