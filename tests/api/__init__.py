"""Tests of the Blynk client, against the emulator over real HTTP."""
