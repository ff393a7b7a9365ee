"""Tests of the Blynk Cloud emulator."""
