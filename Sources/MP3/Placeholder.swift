enum MP3Placeholder {}
