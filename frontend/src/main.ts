import { mount } from 'svelte';
import App from './App.svelte';
import { applyTheme, initialTheme } from './lib/theme';
import './app.css';

// Set the theme before the first paint so the window does not flash.
applyTheme(initialTheme());

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

export default mount(App, { target });
