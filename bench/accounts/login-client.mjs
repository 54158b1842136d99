// The login load of bench/accounts.mjs, in its own process so that it can be pinned to the load
// generator's core. Sign-in forms (a session + CSRF token each, one per login: a login replaces
// the session) are fetched before the measured window; inside it, only POST /login runs.
// Prints {"rate": logins per second} as JSON.
const [base, seconds, concurrency, email, password] = process.argv.slice(2);

const cookieOf = (res) => res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.includes('sid='));

async function form() {
  const res = await fetch(`${base}/login`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await res.text())?.[1];
  return { cookie: cookieOf(res), csrf };
}

// Enough forms for about 60 logins/s per second of the window; more are fetched (inside the
// window, so counted against us) only if the api is faster than that.
const forms = [];
for (let i = 0; i < Number(seconds) * 60; i += 8) {
  forms.push(...(await Promise.all(Array.from({ length: 8 }, form))));
}

const deadline = performance.now() + Number(seconds) * 1000;
let done = 0;
await Promise.all(
  Array.from({ length: Number(concurrency) }, async () => {
    while (performance.now() < deadline) {
      const { cookie, csrf } = forms.pop() ?? (await form());
      const res = await fetch(`${base}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email, password, _csrf: csrf }).toString(),
      });
      await res.arrayBuffer();
      if (res.status !== 303) {
        throw new Error(`login answered ${res.status}`);
      }
      done++;
    }
  }),
);
console.log(JSON.stringify({ rate: done / Number(seconds) }));
