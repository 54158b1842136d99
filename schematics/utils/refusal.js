'use strict';
const { SchematicsException } = require('@angular-devkit/schematics');

/** Bad input (invalid name, collision, missing anchor): one line for the user, nothing written. */
class Refusal extends SchematicsException {
  constructor(message) {
    super(message);
    this.name = 'Refusal';
    // The schematics CLI prints the stack in debug mode (the default for a local collection):
    // the message is the whole story.
    this.stack = message;
  }
}

module.exports = { Refusal };
