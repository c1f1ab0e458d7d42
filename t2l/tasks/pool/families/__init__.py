"""The pool's families, in files by group and concept.

- dates       `dates_calendar`, `dates_fields` (helpers: `_dates_common`)
- facts       `facts_countries`, `facts_country_names`, `facts_elements` (helpers: `_facts_common`), and
              `translation` (FreeDict)
- letters     `letters_checks`, `letters_positions`
- lexical     `lexical_classes`, `lexical_relations`, `lexical_senses` (helpers: `_lexical_common`, WordNet)
- morphology  `morphology_derived`, `morphology_forms` (helpers: `_morphology_common`)
- numbers     `numbers_arithmetic`, `numbers_digits`, `numbers_notation`, `numbers_properties`, `numbers_words`
              (helpers: `_numbers_common`)
- sentences   `sentences_questions`, `sentences_rewrites` (helpers: `_sentences_common`)
- strings     `strings_counts`, `strings_rewrites`
- word lists  `word_lists_questions`, `word_lists_rewrites` (helpers: `_word_lists_common`)

Each module defines `FAMILIES: list[Family]`; `t2l.tasks.pool.build` finds every module here, so adding
a group is adding a file. A module whose name starts with "_" (_numbers_common, ...) holds helpers that
several files of one group import, and is skipped by the build.
"""
