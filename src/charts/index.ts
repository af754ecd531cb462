export { resolveChart, chartNames, registerChart } from './registry.js';
