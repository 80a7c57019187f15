// A real SMTP listener for the browser tests: every delivered mail is parsed and stored as
// JSON in DIR, so a test can follow the link it carries. Usage: node smtp-sink.mjs PORT DIR
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { writeFileSync } from 'node:fs';

const [port, dir] = process.argv.slice(2);
let delivered = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, session, callback) {
    simpleParser(stream).then((mail) => {
      delivered += 1;
      const record = {
        to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
        subject: mail.subject,
        text: mail.text,
      };
      writeFileSync(`${dir}/${String(delivered).padStart(5, '0')}.json`, JSON.stringify(record));
      callback();
    }, callback);
  },
});
server.listen(Number(port), '127.0.0.1');
