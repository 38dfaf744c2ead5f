enum ALSAPlaceholder {}
