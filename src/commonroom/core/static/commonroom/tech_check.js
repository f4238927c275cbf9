// Camera and microphone check, entirely in the browser: nothing is sent.
// Messages come translated from the page (data-ok-text, data-fail-text).
const start = document.getElementById("tech-start");
const video = document.getElementById("tech-preview");
const meter = document.getElementById("tech-level");
const status = document.getElementById("tech-status");
const cameraField = document.getElementById("id_camera_ok");
const micField = document.getElementById("id_microphone_ok");

function setChoice(select, ok) {
  if (select) select.value = ok ? "true" : "false";
}

async function check() {
  status.textContent = "";
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    video.srcObject = stream;
    setChoice(cameraField, stream.getVideoTracks().length > 0);
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Uint8Array(analyser.fftSize);
    let heard = false;
    const tick = () => {
      analyser.getByteTimeDomainData(samples);
      let peak = 0;
      for (const s of samples) peak = Math.max(peak, Math.abs(s - 128) / 128);
      meter.value = peak;
      if (peak > 0.05 && !heard) {
        heard = true;
        setChoice(micField, true);
      }
      requestAnimationFrame(tick);
    };
    tick();
    status.textContent = start.dataset.okText;
  } catch (error) {
    setChoice(cameraField, false);
    setChoice(micField, false);
    status.textContent = start.dataset.failText;
  }
}

if (start) start.addEventListener("click", check);
