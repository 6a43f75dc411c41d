// Workflow definitions: schema, YAML reader with line-exact issues, expressions and templates.
export * from './definition.js';
export * from './expression.js';
export * from './parse.js';
export * from './template.js';
