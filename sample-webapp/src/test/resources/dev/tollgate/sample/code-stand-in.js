// A stand-in for Code's browser script (https://js.getcode.com/v1) with the same button contract:
// code.elements.create('button', options) -> { button }; button.on('invoke', fn), button.update({clientSecret}),
// button.mount(selector). It renders a plain clickable button and records what it was given in the DOM
// (#code-stand-in: data-options, data-client-secret, data-state, data-frame) for the test to read.
function create(kind, options) {
  if (kind !== 'button') {
    throw new Error('the stand-in only provides the button element, not ' + kind);
  }
  const handlers = {};
  const record = document.createElement('div');
  record.id = 'code-stand-in';
  record.dataset.options = JSON.stringify(options);
  record.dataset.state = 'created';

  const button = {
    on(event, handler) {
      handlers[event] = handler;
      return button;
    },
    update(params) {
      record.dataset.clientSecret = params.clientSecret;
      record.dataset.state = 'ready';
    },
    mount(selector) {
      const host = document.querySelector(selector);
      const element = document.createElement('button');
      element.id = 'code-button';
      element.type = 'button';
      element.textContent = 'Pay with Code';
      element.addEventListener('click', async () => {
        record.dataset.state = 'invoking';
        const cancel = handlers.invoke ? await handlers.invoke() : false;
        if (cancel === true) {
          record.dataset.state = 'cancelled';
        } else if (record.dataset.state === 'invoking') {
          record.dataset.state = 'no-client-secret';
        }
      });
      // As the real script draws its button: a frame from Code's element host, here the stand-in's own.
      const frame = document.createElement('iframe');
      frame.id = 'code-stand-in-frame';
      frame.addEventListener('load', () => { record.dataset.frame = 'loaded'; });
      frame.src = new URL('elements/payment-request-button/', import.meta.url).href;
      host.append(element, frame, record);
      record.dataset.state = 'mounted';
    },
  };

  // What the real script does once the wallet reports the payment: go to the success URL.
  window.codeStandIn = {
    paid(intentId) {
      location.assign(options.confirmParams.success.url.replace('{{INTENT_ID}}', intentId));
    },
  };
  return { button };
}

export default { elements: { create } };
