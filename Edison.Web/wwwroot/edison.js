// Before the page is interactive, the message box is a copy the server rendered, and it is replaced when the
// interactive page starts. Nothing typed in the meantime may be lost: this keeps what the box holds (and what it held
// when Enter was pressed), puts it into each new box as it appears, keeps the focus there, and hands over to the
// page's own script once that is attached (Chat.razor.js calls takeOver). It also refuses, from the first moment, a
// paste that would make the message longer than Edison accepts (the box's data-max-length): whole, never cut.
(() => {
    const selector = '[data-testid=chat-input]';
    // send: the text the box held when Enter was pressed, what is sent once the page is interactive.
    const early = { text: null, start: 0, end: 0, send: null, done: false, refusedPaste: null };
    let current = null;

    const remember = box => {
        early.text = box.value;
        early.start = box.selectionStart;
        early.end = box.selectionEnd;
    };

    const adopt = box => {
        if (box === current) {
            return;
        }
        const focused = document.activeElement;
        const replaced = current;
        current = box;
        if (early.text !== null && box.value === '' && early.text !== '') {
            box.value = early.text;
            box.setSelectionRange(early.start, early.end);
            // The interactive page learns the text as if it had been typed into this box.
            box.dispatchEvent(new Event('input', { bubbles: true }));
        }
        // The person's typing goes on in the new box, unless they had moved elsewhere.
        if (!focused || focused === document.body || focused === replaced || !focused.isConnected) {
            box.focus();
        }
    };

    document.addEventListener('input', event => {
        if (!early.done && event.target.matches?.(selector)) {
            remember(event.target);
        }
    }, true);

    document.addEventListener('paste', event => {
        const box = event.target;
        if (!box.matches?.(selector)) {
            return;
        }
        const pasted = event.clipboardData?.getData('text') ?? '';
        const length = box.value.length - (box.selectionEnd - box.selectionStart) + pasted.length;
        if (length > Number(box.dataset.maxLength)) {
            event.preventDefault();
            if (early.done) {
                box.dispatchEvent(new CustomEvent('edison-paste-refused', { detail: length, bubbles: true }));
            } else {
                early.refusedPaste = length;
            }
        }
    }, true);

    document.addEventListener('keydown', event => {
        if (!early.done && event.target.matches?.(selector) && event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            remember(event.target);
            // The first Enter on a message sends it; what is typed after it waits in the box.
            if (early.send === null && event.target.value.trim() !== '') {
                early.send = event.target.value;
            }
        }
    }, true);

    const observer = new MutationObserver(() => {
        const box = document.querySelector(selector);
        if (box) {
            adopt(box);
        }
    });

    const start = () => {
        const box = document.querySelector(selector);
        if (box) {
            adopt(box);
        }
        observer.observe(document.body, { childList: true, subtree: true });
    };

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', start);
    } else {
        start();
    }

    window.edisonEarly = {
        // The page's script takes over the box: returns what was pending (a message to send with Enter) once.
        takeOver(box) {
            adopt(box);
            early.done = true;
            observer.disconnect();
            const pending = { send: early.send, refusedPaste: early.refusedPaste };
            early.send = null;
            early.refusedPaste = null;
            return pending;
        },
    };
})();

// Once a message is sent, the box lets go of it here, in the browser, which alone knows what the box holds by now:
// what was typed after the message stays, and a box changed in some other way is left as it is.
window.edisonBox = {
    removeSent(box, sent) {
        if (!box?.value.startsWith(sent)) {
            return;
        }
        box.value = box.value.slice(sent.length);
        box.dispatchEvent(new Event('input', { bubbles: true }));
    },
};

// The page's colours: the system's preference told to the page now and whenever it changes, and the colours chosen
// said on the document too (data-dark, and the browser's own controls and scroll bars) and kept in a cookie, from
// which the server paints the next page in them before any script runs.
window.edisonTheme = {
    // Returns what the browser's last page showed (the cookie apply keeps), or null.
    watch(page) {
        const query = matchMedia('(prefers-color-scheme: dark)');
        const tell = () => page.invokeMethodAsync('SystemPreferenceChanged', query.matches);
        query.addEventListener('change', tell);
        tell();
        return document.cookie.split('; ').find(cookie => cookie.startsWith('edison_theme='))?.split('=')[1] ?? null;
    },
    apply(dark, shown) {
        document.documentElement.dataset.dark = dark ? 'true' : 'false';
        const secure = location.protocol === 'https:' ? '; Secure' : '';
        document.cookie = `edison_theme=${shown}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`;
    },
};

// The keyboard goes back where a person goes on when what they pressed or typed in goes (an edit left, another version
// shown, a conversation's new name, a deleted conversation). The server redraws the page a moment later, and what goes
// may take the focus with it later still (a dialog giving it back to a button about to be removed): for two seconds,
// whenever nothing usable has the focus (none, or a button now disabled), the element target names (a selector, or a
// function that finds it) takes it. A later call takes over from an earlier one.
window.edisonFocus = (() => {
    let latest = 0;
    const keep = (target, call, frames) => {
        if (call !== latest) {
            return;
        }
        const active = document.activeElement;
        if (!active || active === document.body || active.disabled) {
            (typeof target === 'string' ? document.querySelector(target) : target())?.focus();
        }
        if (frames > 0) {
            requestAnimationFrame(() => keep(target, call, frames - 1));
        }
    };
    return target => keep(target, ++latest, 120);
})();

// Copies text to the clipboard; whether it could. The Clipboard API exists only on HTTPS and on this machine's own
// addresses: a page opened over plain HTTP from another machine copies the older way, through a selected text box.
window.edisonCopy = async text => {
    try {
        if (navigator.clipboard && window.isSecureContext) {
            await navigator.clipboard.writeText(text);
            return true;
        }
    } catch {
        // Refused (no permission, the page not focused): the older way may still work.
    }
    const box = document.createElement('textarea');
    box.value = text;
    box.setAttribute('readonly', '');
    box.style.position = 'fixed';
    box.style.opacity = '0';
    document.body.appendChild(box);
    const focused = document.activeElement;
    box.select();
    let copied = false;
    try {
        copied = document.execCommand('copy');
    } catch {
        copied = false;
    }
    box.remove();
    focused?.focus?.();
    return copied;
};
