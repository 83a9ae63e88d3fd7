// Behaviour the server cannot give without a round trip: Enter to send, following the reply as it grows,
// and copying code blocks.
export function attach(root) {
    const input = root.querySelector('[data-testid=chat-input]');
    input?.addEventListener('keydown', event => {
        if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            const send = root.querySelector('[data-testid=send]');
            if (send && !send.disabled) {
                send.click();
            }
        }
    });

    const list = root.querySelector('.chat-messages');
    if (list) {
        let follow = true;
        list.addEventListener('scroll', () => {
            follow = list.scrollHeight - list.scrollTop - list.clientHeight < 48;
        });
        new MutationObserver(() => {
            if (follow) {
                list.scrollTop = list.scrollHeight;
            }
        }).observe(list, { childList: true, subtree: true, characterData: true });
    }

    root.addEventListener('click', event => {
        const button = event.target.closest('.copy-code');
        if (!button) {
            return;
        }
        const code = button.parentElement.querySelector('pre');
        navigator.clipboard?.writeText(code ? code.innerText : '');
        button.textContent = 'Copied';
        setTimeout(() => { button.textContent = 'Copy'; }, 1500);
    });
}
