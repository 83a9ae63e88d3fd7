// Behaviour the server cannot give without a round trip: Enter sends what the box holds, a refused paste is
// explained, the reply is followed as it grows, footnotes stay in their answer, and code blocks can be copied.
export function attach(root, input) {
    // Listened for on the root, not on the box: they hold whatever box the page has now.
    const selector = '[data-testid=chat-input]';
    root.addEventListener('keydown', event => {
        if (event.target.matches?.(selector) && event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            input.invokeMethodAsync('SendFromKeyboardAsync', event.target.value);
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
    if (list) {
        let follow = true;
        let height = list.scrollHeight;
        list.addEventListener('scroll', () => {
            follow = list.scrollHeight - list.scrollTop - list.clientHeight < 48;
        });
        new MutationObserver(() => {
            // Only what changes the list's height moves it: a button's ripple, added on mouse-down, must not pull the
            // list from under the pointer before mouse-up, or the click misses.
            if (follow && list.scrollHeight !== height) {
                list.scrollTop = list.scrollHeight;
            }
            height = list.scrollHeight;
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
        const code = button.parentElement.querySelector('pre');
        navigator.clipboard?.writeText(code ? code.innerText : '');
        button.textContent = 'Copied';
        setTimeout(() => { button.textContent = 'Copy'; }, 1500);
    });

    // Scripts and tests can tell when the page's own behaviour is in place.
    root.dataset.enhanced = 'true';
}
