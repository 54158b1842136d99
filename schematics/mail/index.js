'use strict';
const { apply, applyTemplates, chain, mergeWith, move, url } = require('@angular-devkit/schematics');
const { entry } = require('../utils/entry.js');
const { checkName, namesOf } = require('../utils/names.js');
const { Refusal } = require('../utils/refusal.js');
const s = require('../utils/source-edit.js');

const TEMPLATES = 'libs/mail/src/mail-templates.ts';
/** MAIL_SAMPLES is typed by MailTemplates, so a new template needs a sample there to typecheck; `mail:preview` renders it. */
const SAMPLES = 'libs/mail/src/mail-samples.ts';

const key = (name) => (/^[a-z][a-z0-9]*$/.test(name) ? name : `'${name}'`);

/** `mail <name>`: libs/mail/templates/<name>.njk (HTML + text on the layout), subject, data type and sample (the preview), a test of both parts. */
function mail(options) {
  return (tree) => {
    const name = checkName('mail', options.name);
    const n = { ...namesOf(name), key: key(name) };
    const files = [`libs/mail/templates/${name}.njk`, `libs/mail/src/${name}.mail.spec.ts`];
    for (const file of files) {
      if (tree.exists(file)) throw new Refusal(`mail: ${file} already exists.`);
    }
    const source = s.parseTs(TEMPLATES, s.read(tree, TEMPLATES));
    const map = s.required(s.interfaceOf(source, 'MailTemplates'), TEMPLATES, 'interface MailTemplates');
    const subjects = s.required(s.variableLiteral(source, 'MAIL_SUBJECTS'), TEMPLATES, 'const MAIL_SUBJECTS');
    if (map.members.some((m) => s.nameOf(m) === name) || subjects.properties.some((p) => s.nameOf(p) === name)) {
      throw new Refusal(`mail: "${name}" is already in ${TEMPLATES}.`);
    }
    const samples = s.required(s.variableLiteral(s.parseTs(SAMPLES, s.read(tree, SAMPLES)), 'MAIL_SAMPLES'), SAMPLES, 'const MAIL_SAMPLES');
    if (samples.properties.some((p) => s.nameOf(p) === name)) {
      throw new Refusal(`mail: "${name}" is already in ${SAMPLES}.`);
    }
    return chain([
      mergeWith(apply(url('./files'), [applyTemplates(n), move('libs/mail')])),
      (t) => {
        s.editTs(
          t,
          TEMPLATES,
          (text, sf) => s.appendMember(text, sf, s.interfaceOf(sf, 'MailTemplates'), `/** ${n.title} (templates/${name}.njk). */\n${n.key}: { firstName: string; url: string };`),
          (text, sf) => s.appendToLiteral(text, sf, s.variableLiteral(sf, 'MAIL_SUBJECTS'), `${n.key}: () => '${n.title}'`),
        );
        s.editTs(t, SAMPLES, (text, sf) =>
          s.appendToLiteral(text, sf, s.variableLiteral(sf, 'MAIL_SAMPLES'), `${n.key}: { firstName: 'Ada', url: 'https://app.example.org/${name}' }`),
        );
        return t;
      },
    ]);
  };
}

exports.mail = entry('mail', mail);
