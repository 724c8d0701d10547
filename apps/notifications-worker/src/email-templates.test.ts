import { escapeHtml, renderEmail } from './email-templates';

test('the escaper escapes the five characters HTML gives meaning to, the single quote included', () => {
  expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
});

test('one layout renders paragraphs and lists alike in text and HTML, escaping what people typed', () => {
  const email = renderEmail({ to: 'a@example.com', subject: 'S', greeting: "Hi O'Brien,", blocks: ['Your week:', { list: ['Sets: 4', '<b>PR</b>'] }] });
  expect(email.text).toBe("Hi O'Brien,\n\nYour week:\n\n- Sets: 4\n- <b>PR</b>\n\n— Coachline");
  expect(email.html).toContain('<p>Hi O&#39;Brien,</p>');
  expect(email.html).toContain('<ul><li>Sets: 4</li><li>&lt;b&gt;PR&lt;/b&gt;</li></ul>');
});
