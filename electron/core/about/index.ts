export { aboutInfo, BROWSER_UPDATE_NOTE, type AboutHost } from './about.js';
export { currentBuild } from './build-info.js';
