/**
 * Hydrates the server-rendered `App` in #app with the props the server wrote into `window.appProps`.
 * In StrictMode, as most React apps develop: effects run, are cleaned up and run again.
 */
import { createElement, StrictMode } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { App, type AppProps } from './app.ts';

hydrateRoot(document.getElementById('app')!, createElement(StrictMode, null, createElement(App, (window as unknown as { appProps: AppProps }).appProps)));
