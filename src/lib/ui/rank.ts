// The frecency ranking is pure logic in the domain layer; the UI reaches it through here.
export { rankCommands } from '../domain/commands';
