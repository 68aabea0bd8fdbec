import { describe, expect, it } from 'vitest';
import { MAX_TOKEN_CHARS, tokenize, wordSpans } from './tokenize';

describe('tokenize', () => {
  it('lowercase words; punctuation, symbols and emoji separate them', () => {
    expect(tokenize('Hello, World! Meeting @ 10:30 — see e-mail 🎉 #release_2')).toEqual(['hello', 'world', 'meeting', '10', '30', 'see', 'e', 'mail', 'release', '2']);
    expect(tokenize('')).toEqual([]);
    expect(tokenize('  ... 🎉🎉 !!')).toEqual([]);
  });

  it('drops inner apostrophes, typed either way', () => {
    expect(tokenize("Don't stop")).toEqual(['dont', 'stop']);
    expect(tokenize('Don’t STOP')).toEqual(['dont', 'stop']);
    expect(tokenize("'quoted'")).toEqual(['quoted']);
  });

  it('folds case, diacritics and compatibility forms the same way for messages and queries', () => {
    expect(tokenize('Café NAÏVE Ｆｕｌｌ Ⅻ ÉCOLE')).toEqual(['cafe', 'naive', 'full', 'xii', 'ecole']);
    // Decomposed input (e + combining acute) gives the same token as precomposed input.
    expect(tokenize('cafe\u0301')).toEqual(tokenize('café'));
    expect(tokenize('Привет, МИР')).toEqual(['привет', 'мир']);
    expect(tokenize('Straße')).toEqual(['straße']);
  });

  it('keeps marks that are part of a script (Devanagari vowel signs, Kana voicing)', () => {
    expect(tokenize('नमस्ते दुनिया')).toEqual(['नमस्ते', 'दुनिया']);
    expect(tokenize('で')).toEqual(['で']);
    expect(tokenize('ガ')).toEqual(['ガ']);
  });

  it('splits Han, Hiragana and Katakana into single characters, other scripts into words', () => {
    expect(tokenize('東京で会議 meeting')).toEqual(['東', '京', 'で', '会', '議', 'meeting']);
    expect(tokenize('2026年')).toEqual(['2026', '年']);
    expect(tokenize('서울 회의')).toEqual(['서울', '회의']);
  });

  it('cuts very long words without splitting a surrogate pair', () => {
    const long = 'a'.repeat(200);
    expect(tokenize(long)).toEqual(['a'.repeat(MAX_TOKEN_CHARS)]);
    const astral = `${'b'.repeat(MAX_TOKEN_CHARS - 1)}\u{10400}\u{10400}`; // Deseret letters: outside the BMP, no compatibility form
    const [token] = tokenize(astral);
    expect(token!.length).toBe(MAX_TOKEN_CHARS - 1);
    expect(token).toBe('b'.repeat(MAX_TOKEN_CHARS - 1));
  });
});

describe('wordSpans', () => {
  it('the words where they stand, each with the tokens tokenize gives it', () => {
    const text = 'Hi, Café — don’t 東京 e-mail';
    const spans = wordSpans(text);
    expect(spans.map((s) => [text.slice(s.start, s.end), s.tokens])).toEqual([
      ['Hi', ['hi']],
      ['Café', ['cafe']],
      ['don’t', ['dont']],
      ['東', ['東']],
      ['京', ['京']],
      ['e', ['e']],
      ['mail', ['mail']],
    ]);
    // Together they hold what tokenize finds in the whole text.
    expect(spans.flatMap((s) => s.tokens)).toEqual(tokenize(text));
    expect(wordSpans('  🎉 !! ')).toEqual([]);
  });
});
