import { trustCommand } from './ca-install.js';

export default trustCommand('uninstall');
