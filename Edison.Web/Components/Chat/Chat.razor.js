// Behaviour the server cannot give without a round trip: Enter sends what the box holds, a refused paste is
// explained, the reply is followed as it grows, footnotes stay in their answer, code is highlighted and can be
// copied, and maths is typeset.
export function attach(root, input) {
    // Listened for on the root, not on the box: they hold whatever box the page has now.
    const selector = '[data-testid=chat-input]';
    const messages = () => [...root.querySelectorAll('[data-testid=message]')];
    root.addEventListener('keydown', event => {
        if (event.target.matches?.(selector) && event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            input.invokeMethodAsync('SendFromKeyboardAsync', event.target.value);
            return;
        }

        // A question being edited: Enter saves and sends it, Shift+Enter starts a new line, Escape leaves it as it was.
        const editing = event.target.closest?.('[data-testid=edit-box]')?.closest('.message');
        if (editing && !event.isComposing && ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Escape')) {
            event.preventDefault();
            const button = editing.querySelector(event.key === 'Escape' ? '[data-testid=edit-cancel]' : '[data-testid=edit-save]');
            // The box's keystrokes reached the page before this one: what is saved is what the box shows.
            if (button && !button.disabled) {
                button.click();
            }
        }
    });

    root.addEventListener('click', event => {
        // An edit left as it was: the keyboard goes back to the question's Edit button once it shows again.
        const cancel = event.target.closest('[data-testid=edit-cancel]');
        if (cancel) {
            const index = messages().indexOf(cancel.closest('[data-testid=message]'));
            window.edisonFocus(() => messages()[index]?.querySelector('[data-testid=edit-message]:not([disabled])'));
            return;
        }

        // Another version shown: the message is drawn anew; the keyboard stays on the arrow pressed, or goes to the
        // other one when this was the last version that way.
        const arrow = event.target.closest('[data-testid=branch-prev], [data-testid=branch-next]');
        if (arrow) {
            const message = arrow.closest('[data-testid=message]');
            const index = messages().indexOf(message);
            const position = message.querySelector('[data-testid=branch-position]')?.textContent;
            const pressed = arrow.dataset.testid;
            const other = pressed === 'branch-prev' ? 'branch-next' : 'branch-prev';
            window.edisonFocus(() => {
                const shown = messages()[index];
                if (!shown || shown.querySelector('[data-testid=branch-position]')?.textContent === position) {
                    return null;
                }
                return shown.querySelector(`[data-testid=${pressed}]:not([disabled])`) ?? shown.querySelector(`[data-testid=${other}]`);
            });
        }
    });

    // After Stop, Regenerate, an edit sent, a new chat, a deleted conversation, and after opening another conversation
    // from the list, the keyboard is in the message box: what they pressed is gone or disabled.
    document.addEventListener('click', event => {
        if (event.target.closest?.('[data-testid=stop], [data-testid=regenerate], [data-testid=edit-save], [data-testid=new-chat], [data-testid=conversation-item] a')) {
            setTimeout(() => root.querySelector(selector)?.focus());
        }
    });

    // On a small screen the conversation list covers the page: Escape closes it, as a tap beside it does, and the
    // keyboard goes back to the button that opens it.
    document.addEventListener('keydown', event => {
        if (event.key !== 'Escape' || event.defaultPrevented || event.target.closest?.('.mud-dialog, [data-testid=rename-box], [data-testid=edit-box]')) {
            return;
        }
        const overlay = document.querySelector('.mud-drawer-overlay--open');
        if (overlay && overlay.getClientRects().length > 0) {
            overlay.click();
            document.querySelector('[aria-label=Conversations]')?.focus();
        }
    });

    // A conversation's name opens to be typed over, as in a file manager.
    document.addEventListener('focusin', event => {
        if (event.target.matches?.('[data-testid=rename-box]')) {
            event.target.select();
        }
    });

    // edison.js refuses a paste over the limit; the page says so.
    root.addEventListener('edison-paste-refused', event => input.invokeMethodAsync('PasteRefused', event.detail));

    // What was typed (and sent with Enter, or pasted too long) before the page became interactive; see edison.js.
    const box = root.querySelector(selector);
    const early = box ? window.edisonEarly?.takeOver(box) : null;
    if (early?.refusedPaste) {
        input.invokeMethodAsync('PasteRefused', early.refusedPaste);
    }
    if (early?.send != null) {
        input.invokeMethodAsync('SendFromKeyboardAsync', early.send);
    }

    // The list follows its end: a conversation opens at its last message, and an answer is followed as it grows,
    // until the person scrolls up.
    const list = root.querySelector('.chat-messages');
    const latest = root.querySelector('[data-testid=to-latest]');
    if (list) {
        let follow = true;
        let height = list.scrollHeight;
        // Away from the end by more than a few lines, the person is offered a way back to it.
        const offerLatest = () => {
            if (!latest) {
                return;
            }
            latest.hidden = list.scrollHeight - list.scrollTop - list.clientHeight < 160;
            if (!latest.hidden) {
                latest.style.bottom = `${root.clientHeight - (list.offsetTop + list.clientHeight) + 12}px`;
            }
        };
        list.addEventListener('scroll', () => {
            follow = list.scrollHeight - list.scrollTop - list.clientHeight < 48;
            offerLatest();
        });
        latest?.addEventListener('click', () => {
            follow = true;
            list.scrollTop = list.scrollHeight;
            offerLatest();
            root.querySelector(selector)?.focus();
        });
        new MutationObserver(() => {
            // Only what changes the list's height moves it: a button's ripple, added on mouse-down, must not pull the
            // list from under the pointer before mouse-up, or the click misses.
            if (follow && list.scrollHeight !== height) {
                list.scrollTop = list.scrollHeight;
            }
            height = list.scrollHeight;
            offerLatest();
        }).observe(list, { childList: true, subtree: true, characterData: true });

        // A conversation opened by its address or a reload may be shown already, before this was attached.
        list.scrollTop = list.scrollHeight;
    }

    root.addEventListener('click', event => {
        // A footnote link points into its own answer. Resolved against the page's <base href="/"> it would
        // navigate to "/" (a new chat); several answers may also number their footnotes alike.
        const footnote = event.target.closest('.markdown a[href^="#"]');
        if (footnote) {
            event.preventDefault();
            const id = CSS.escape(footnote.getAttribute('href').slice(1));
            footnote.closest('.markdown').querySelector(`[id="${id}"]`)?.scrollIntoView({ block: 'center' });
            return;
        }

        const button = event.target.closest('.copy-code');
        if (!button) {
            return;
        }
        const code = button.closest('.code-block')?.querySelector('pre');
        window.edisonCopy(code ? code.innerText : '').then(copied => {
            button.textContent = copied ? 'Copied' : 'Copy failed';
            setTimeout(() => { button.textContent = 'Copy'; }, 1500);
        });
    });

    // Answers are highlighted and typeset as they render: the observer runs after Blazor has changed the page and
    // before the browser paints it, so raw TeX and plain code never show, even while an answer streams.
    enhance(root);
    new MutationObserver(() => enhance(root)).observe(root, { childList: true, subtree: true, characterData: true });

    // Scripts and tests can tell when the page's own behaviour is in place.
    root.dataset.enhanced = 'true';
}

// Blazor writes an answer's HTML anew as it grows; what was highlighted or typeset before is looked up, not redone.
const rendered = new Map();
const mostRendered = 2000;

function cached(key, render) {
    let html = rendered.get(key);
    if (html === undefined) {
        html = render();
        if (rendered.size >= mostRendered) {
            rendered.clear();
        }
        rendered.set(key, html);
    }
    return html;
}

function enhance(root) {
    // What scrolls sideways can be scrolled from the keyboard too.
    for (const scroller of root.querySelectorAll('.markdown :is(pre, table, div.math, .math-display):not([tabindex])')) {
        scroller.tabIndex = 0;
    }

    if (window.hljs) {
        for (const code of root.querySelectorAll('.markdown pre > code:not(.hljs)')) {
            const language = /(?:^|\s)language-([\w+#.-]+)/.exec(code.className)?.[1];
            const text = code.textContent;
            code.innerHTML = cached(`code\n${language}\n${text}`, () => language && hljs.getLanguage(language)
                ? hljs.highlight(text, { language, ignoreIllegals: true }).value
                : hljs.highlightAuto(text).value);
            code.classList.add('hljs');
        }
    }

    if (window.katex) {
        for (const math of root.querySelectorAll('.markdown .math:not([data-typeset])')) {
            const display = math.tagName === 'DIV' || math.classList.contains('math-display');
            const tex = math.textContent.trim().replace(/^\\[([]/, '').replace(/\\[)\]]$/, '');
            math.innerHTML = cached(`math\n${display}\n${tex}`, () => katex.renderToString(tex, {
                displayMode: display,
                throwOnError: false,
                // Maths is the model's: it may not link, load, or set classes, styles or data on the page.
                trust: false,
                strict: 'ignore',
                maxSize: 50,
                maxExpand: 1000,
            }));
            math.dataset.typeset = 'true';
        }
    }
}
