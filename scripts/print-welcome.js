// Prints how to log in to the running demo (the generated demo passwords stay in .local/).
const { existsSync, readFileSync } = require('node:fs');

const [credentialsFile, url] = process.argv.slice(2);
const accounts = existsSync(credentialsFile) ? JSON.parse(readFileSync(credentialsFile, 'utf8')) : [];
const lines = [
  '',
  `Học bạ số is running: ${url}`,
  '',
  'Demo accounts (trường THPT mẫu):',
  ...accounts.map(
    (a) => `  ${a.username.padEnd(24)} ${a.password.padEnd(16)} ${a.roles.padEnd(36)} ${a.displayName}`,
  ),
  '',
  'Log in, then send the access token as "Authorization: Bearer <token>":',
  `  curl -s ${url} -H 'content-type: application/json' \\`,
  `    -d '{"query":"mutation { login(input: {username: \\"${accounts[0]?.username ?? 'admin.demo'}\\", password: \\"<password>\\"}) { accessToken refreshToken } }"}'`,
  '',
  `The passwords are also in ${credentialsFile} (readable only by you).`,
  '',
];
process.stdout.write(lines.join('\n'));
