"""Tests of the Blynk Cloud integration and of the emulator it runs against."""
