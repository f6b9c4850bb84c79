"""The sentences the app shows whose truth depends on numbers, one module per lab.

Each function takes the numbers the core computed and returns words (or a
table of words); none computes a pooling itself. Each is tested on the edge
cases that make a sentence false: ties, flat input, padding, negative
values, NaN, and every mode. Plain prose that holds whatever the numbers
are stays in the pages.
"""
