enum OpusPlaceholder {}
