import { TestStack } from './stack';

jest.setTimeout(60_000);

describe('smoke', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await TestStack.start();
  });
  afterAll(() => stack.stop());

  it('logs in and reads me', async () => {
    const { admin } = await stack.createSchoolWithAdmin('smoke');
    const session = await stack.login(admin.username, admin.password);
    const me = await stack.query(`{ me { id username email roles { role } lockedUntil } }`, {}, session.accessToken);
    console.log(JSON.stringify(me, null, 1));
    expect(me.errors).toBeUndefined();
  });
});
