console.log("msglog: not yet");
