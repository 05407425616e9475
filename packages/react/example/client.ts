/** Hydrates the server-rendered `App` in #app with the props the server wrote into `window.appProps`. */
import { createElement } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { App, type AppProps } from './app.ts';

hydrateRoot(document.getElementById('app')!, createElement(App, (window as unknown as { appProps: AppProps }).appProps));
