/**
 * What the checksum check tells the judges of a registry record (release
 * trust) about the release it asks for: shared here, since checks do not
 * import each other.
 */

export interface RecordFacts {
  /**
   * No install of this project verified the release before: the pins file
   * holds pins but none for it (another platform's package, a release that a
   * refused install locked), so it deserves the scrutiny of a new release.
   */
  unverified: boolean;
  /**
   * When the record is judged: before a download's bytes reach Yarn; after
   * the link step, for an archive taken from a cache (no script has run);
   * or after the install, for another platform's package that only enters
   * yarn.lock here.
   */
  stage: RecordStage;
}

export type RecordStage = `download` | `linked` | `other-platform`;
